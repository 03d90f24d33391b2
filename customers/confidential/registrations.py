"""Registrations with shared mechanisms (timeline sources, customer-page panels, handover
sources, approval handlers), imported once at start-up by the app config."""
