"""rung.store"""
