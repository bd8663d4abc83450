"""rung.catalog"""
