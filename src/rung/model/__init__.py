"""rung.model"""
