"""rung.checks"""
