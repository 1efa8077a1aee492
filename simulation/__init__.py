"""The market, engagement and shopper formulas the sandbox and the demo share; product apps never import it."""
