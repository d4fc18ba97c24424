using Engram.Eval.Sets;
using Xunit;

namespace Engram.Tests.Unit.Eval;

/// <summary>
/// The evaluation sets under bench/eval keep their labels consistent: a set whose evidence points nowhere,
/// whose paraphrase share drops below half or whose size shrinks below the minimum fails CI.
/// </summary>
public sealed class EvalSetTests : IDisposable
{
    private static readonly string EvalRoot = EvalSet.FindEvalRoot(AppContext.BaseDirectory);
    private readonly ContentWords _words = new ContentWords();

    public void Dispose() => _words.Dispose();

    [Theory]
    [InlineData("facts")]
    [InlineData("conversations")]
    [InlineData("facts-scale")]
    public void Every_label_of_the_set_is_consistent(string name)
    {
        var report = SetChecks.Check(EvalSet.Load(EvalRoot, name), _words);

        Assert.True(report.Problems.Count == 0, string.Join(Environment.NewLine, report.Problems.Take(20)));
    }

    [Fact]
    public void Facts_have_150_questions_at_least_half_paraphrases_and_corrections_labelled_with_the_correction()
    {
        var set = EvalSet.Load(EvalRoot, "facts");
        var report = SetChecks.Check(set, _words);
        var byId = set.Memories.ToDictionary(m => m.Id);

        Assert.True(report.Questions >= 150, $"{report.Questions} questions");
        Assert.True(report.Paraphrases * 2 >= report.Questions, $"{report.Paraphrases} paraphrases of {report.Questions}");
        var corrections = set.Questions.Where(q => q.AboutCorrection).ToList();
        Assert.NotEmpty(corrections);
        foreach (var q in corrections)
        {
            var answer = byId[q.Evidence.Single()];
            Assert.Equal("correction", answer.Kind);
            var old = byId[answer.Corrects!];
            Assert.True(set.Memories.ToList().IndexOf(old) < set.Memories.ToList().IndexOf(answer), $"{old.Id} must be stored before {answer.Id}");
        }
    }

    [Fact]
    public void Conversations_have_1000_timestamped_turns_3_speakers_and_300_questions_naming_them()
    {
        var set = EvalSet.Load(EvalRoot, "conversations");

        Assert.True(set.Memories.Count >= 1000, $"{set.Memories.Count} turns");
        Assert.True(set.Questions.Count >= 300, $"{set.Questions.Count} questions");
        Assert.True(set.Memories.Select(m => m.Speaker).Distinct().Count() >= 3);
        Assert.All(set.Memories, m => Assert.False(string.IsNullOrEmpty(m.Timestamp)));
        Assert.True(set.Memories.Select(m => m.Session).Distinct().Count() > 10);
    }

    [Fact]
    public void The_scale_variant_adds_thousands_of_distractors_that_answer_no_question()
    {
        var facts = EvalSet.Load(EvalRoot, "facts");
        var scale = EvalSet.Load(EvalRoot, "facts-scale");

        Assert.True(scale.Memories.Count - facts.Memories.Count >= 3000, $"{scale.Memories.Count - facts.Memories.Count} distractors");
        Assert.Equal(facts.Questions.Count, scale.Questions.Count);
        var generated = scale.Memories.Where(m => m.Kind == "scale").Select(m => m.Id).ToHashSet();
        Assert.DoesNotContain(scale.Questions.SelectMany(q => q.Evidence), generated.Contains);
    }

    [Fact]
    public void The_checker_reports_missing_evidence_and_a_false_paraphrase_label()
    {
        var memories = new List<EvalMemory>
        {
            new EvalMemory { Id = "m1", Timestamp = "2026-01-01T00:00:00Z", Text = "payments-api has a rate limit of 300 requests per minute.", Kind = "fact" },
        };
        var questions = new List<EvalQuestion>
        {
            new EvalQuestion { Id = "q1", Question = "What is the rate limit of payments-api?", Evidence = { "m1" }, Kind = "paraphrase", SharedContentWords = 4 },
            new EvalQuestion { Id = "q2", Question = "Who is on call?", Evidence = { "m9" }, Kind = "lexical" },
        };

        var report = SetChecks.Check(new EvalSet("tiny", "", memories, questions), _words);

        Assert.Contains(report.Problems, p => p.Contains("'q1' is labelled paraphrase", StringComparison.Ordinal));
        Assert.Contains(report.Problems, p => p.Contains("evidence 'm9'", StringComparison.Ordinal));
    }

    [Fact]
    public void Content_words_drop_stop_words_and_share_porter_stems()
    {
        Assert.Equal(new[] { "payments", "api", "rate", "limit" }, _words.Tokens("What is the payments-api rate limit?"));
        Assert.Equal(1, _words.Shared("Who gets paged when the payment service breaks?", "Omar is on call for payments-api."));
    }
}
