"""The desktop app: a PySide6 client of the core (views, controllers, one executor)."""
