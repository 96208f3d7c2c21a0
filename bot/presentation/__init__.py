"""Presentation: what people read, as Bot API payloads. Texts by audience, the complaint
card and notices (`render`), inline keyboards, callback data (`callbacks`), charts.

Pure functions of what they are given; no database, no network.
"""
