"""rung.web"""
