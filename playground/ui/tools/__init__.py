"""A card's tools: the panel, mock results, and drawing calls and results."""
