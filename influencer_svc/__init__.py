"""influencer: influencers and their campaign assignments (a participant of the campaign saga)."""
