"""rung.checks.builtin"""
