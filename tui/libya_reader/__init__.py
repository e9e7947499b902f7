"""libya-reader: a terminal news reader for reporting on the Libyan conflict."""

__version__ = "0.1.0"
