"""tracking: tracking codes, tracking events and campaign metrics, a participant of the saga.

Gives each of a campaign's influencers a tracking code, counts the views, clicks and conversions
posted for it, and stops counting when the campaign is cancelled or finishes.
"""
