def register(router):
    """Add this feature's viewsets to the /api/v1/ router."""
