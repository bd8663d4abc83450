"""rung.collect"""
