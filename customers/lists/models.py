"""Models of this feature (imported by the app's models package)."""
