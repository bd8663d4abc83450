"""rung.cli"""
