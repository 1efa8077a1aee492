"""The organic platforms at the sandbox: TikTok Content Posting, Instagram publishing, Pinterest pins, X posts."""
