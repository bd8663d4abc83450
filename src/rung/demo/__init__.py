"""rung.demo"""
