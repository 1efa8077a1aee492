"""The seed steps: the store and its commerce, then its posts and campaigns, each from one ``DemoSeedPlan``."""
