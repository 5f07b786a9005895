"""marca: brands and their budget, a participant of the campaign saga.

Reserves the budget of every campaign created, gives it back when the campaign is cancelled or
another participant fails, and counts it as spent when the campaign finishes.
"""
