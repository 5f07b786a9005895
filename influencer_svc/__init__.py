"""influencer: influencers and their campaign assignments, a participant of the campaign saga.

Assigns a campaign's influencers all or nothing within their capacity, and releases them on
cancellation, failure or finalization.
"""
