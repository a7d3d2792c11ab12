"""Reward functions for RL trainers, graded by Lemmata's own answer checker.

`lemmata.verl_reward.compute_score` (verl), `lemmata.openrlhf_reward.reward_func` (OpenRLHF) and
`lemmata.trl_reward.answer_reward` (TRL) all score the rows `lemmata export` writes. Each module
uses absolute imports only, so a trainer may also load it by file path.
"""
