"""marca: brands and the budget they reserve for campaigns (a participant of the campaign saga)."""
