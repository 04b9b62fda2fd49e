from alignment_faking_lab.analysis.judge_agreement import agreement


def test_agreement_counts_only_transcripts_both_judges_labelled():
    result = agreement([True, False, None, True], [True, True, False, None])
    assert result.compared == 2 and result.agree == 1 and result.rate == 0.5


def test_kappa_is_one_for_perfect_and_zero_for_chance_agreement():
    assert agreement([True, False, True, False], [True, False, True, False]).kappa == 1.0
    # Both say yes half the time, independently: observed 0.5 = chance 0.5.
    assert agreement([True, True, False, False], [True, False, True, False]).kappa == 0.0
    assert agreement([], []).rate is None
