"""rung: risk-driven maturity levels for a fleet of services."""

__version__ = "0.1.0"
