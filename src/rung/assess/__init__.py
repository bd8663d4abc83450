"""rung.assess"""
