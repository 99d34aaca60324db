"""Planning: which nudges a target needs (rules, audiences, defaults) and the handlers that plan them."""
