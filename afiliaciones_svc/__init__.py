"""afiliaciones: influencer and affiliate marketing campaigns, and the saga that sets each one up.

Creates a campaign, opens its saga (``CampanaCreada``) and confirms or cancels it as marca,
influencer and tracking answer; starts, finishes and cancels campaigns on request.
"""
