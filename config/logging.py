import logging
import time


class UTCFormatter(logging.Formatter):
    """Log timestamps in UTC (ISO 8601), whatever the server's time zone."""

    converter = time.gmtime

    def formatTime(self, record, datefmt=None):  # noqa: N802 (logging API)
        ct = self.converter(record.created)
        return time.strftime("%Y-%m-%dT%H:%M:%S", ct) + f".{int(record.msecs):03d}Z"
