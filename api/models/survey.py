"""SIPAS survey (issue 20): surveys with versioned questions per factor, collection points (desks), immutable responses, official SIPAS results."""
