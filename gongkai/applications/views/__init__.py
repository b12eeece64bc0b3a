"""The applications screens: the public form and case page (``public``), the staff register (``workspace``)."""
