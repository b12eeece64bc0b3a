"""The annual report's screens: ``public`` (the disclosure column's annual-report section) and ``workspace``."""
