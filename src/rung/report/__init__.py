"""rung.report"""
