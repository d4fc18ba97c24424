using System;
using System.Collections.Generic;
using System.Linq;
using Engram.Eval.Sets;
using Engram.Local.Dedup;
using Engram.Local.Text;
using Xunit;

namespace Engram.Tests.Unit.Local;

/// <summary>
/// The dedup check reads merge candidates by fact key only, so the key must be a necessary condition of
/// <see cref="FactTokens.Agree"/>: two texts that agree always share it (else a restatement is stored twice), and a
/// changed value changes it (else the check compares rows it could have skipped). The key is stored in files, so it
/// must not change between versions either.
/// </summary>
public class FactKeyTests
{
    private static readonly string EvalRoot = EvalSet.FindEvalRoot(AppContext.BaseDirectory);

    [Fact]
    public void Texts_that_agree_have_the_same_key_in_every_eval_set_and_every_hand_made_variant()
    {
        var texts = new[] { "facts", "conversations", "facts-scale" }
            .SelectMany(name => EvalSet.Load(EvalRoot, name).Memories.Select(m => m.Text))
            .Concat(VariantTexts())
            .Distinct(StringComparer.Ordinal)
            .ToList();

        // Agree wants equal content-word sets: only texts with the same set can agree, so every agreeing pair is
        // within one of these groups, and the groups are small enough to compare all pairs.
        var agreeing = 0;
        foreach (var group in texts.GroupBy(ContentWordSet, StringComparer.Ordinal))
        {
            var members = group.ToList();
            foreach (var a in members)
            {
                foreach (var b in members)
                {
                    if (!ReferenceEquals(a, b) && FactTokens.Agree(a, b))
                    {
                        agreeing++;
                        Assert.True(FactTokens.Key(a) == FactTokens.Key(b), $"'{a}' and '{b}' agree but have different keys.");
                    }
                }
            }
        }

        Assert.True(texts.Count > 6000, $"{texts.Count} texts");
        Assert.True(agreeing >= 100, $"only {agreeing} agreeing pairs");
        // And the key separates what it should: more distinct keys than content-word sets (identifiers split them further).
        Assert.True(texts.Select(t => FactTokens.Key(t)).Distinct().Count() >= texts.GroupBy(ContentWordSet, StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData("The rate limit is 300 requests per minute.", "The rate limit is 600 requests per minute.")]
    [InlineData("The limit went from 300 to 600.", "The limit went from 600 to 300.")]
    [InlineData("Deploy v2.1 to pg-prod-2 at 10:30.", "Deploy v2.2 to pg-prod-2 at 10:30.")]
    [InlineData("Chloe Jensen is vegetarian and avoids gluten.", "Chloe Jensen is vegan and avoids gluten.")]
    [InlineData("media-worker's queue alert fires at 4,200 jobs.", "media-service's queue alert fires at 4,200 jobs.")]
    [InlineData("The search cluster runs in the primary region.", "The search cluster runs in the secondary region.")]
    [InlineData("Backups are encrypted at rest.", "Backups are not encrypted at rest.")]
    [InlineData("It moved from -5 degrees.", "It moved from 5 degrees.")]
    [InlineData("Ticket 1 2 is open.", "Ticket 12 is open.")]
    [InlineData("Priya likes tea.", "Priya likes tea and cake.")]
    public void A_changed_value_gives_another_key(string a, string b)
    {
        Assert.False(FactTokens.Agree(a, b));
        Assert.NotEqual(FactTokens.Key(a), FactTokens.Key(b));
    }

    [Theory]
    [InlineData("The rate limit is 300 requests per minute.", "the rate limit is 300 requests per minute!")]
    [InlineData("Dark mode is enabled for Jonas.", "(Dark mode is enabled for Jonas)")]
    [InlineData("media-worker's queue is full.", "Full: the queue of media-worker.")]
    public void Rewordings_with_the_same_facts_share_the_key(string a, string b)
    {
        Assert.Equal(FactTokens.Key(a), FactTokens.Key(b));
    }

    [Fact]
    public void The_key_of_a_text_is_the_same_in_every_version_because_files_store_it()
    {
        Assert.Equal(KeyOfRateLimit, FactTokens.Key("The rate limit is 300 requests per minute."));
        Assert.NotEqual(0, FactTokens.Key(""));
    }

    [Fact]
    public void The_keys_of_every_eval_text_and_of_awkward_texts_are_those_stored_by_earlier_versions()
    {
        // A digest of the keys as the first (string-based) implementation computed them: a faster Key must give the
        // same value for every text, or files written before would hold keys the dedup check never looks up.
        var texts = new[] { "facts", "conversations", "facts-scale" }
            .SelectMany(name => EvalSet.Load(EvalRoot, name).Memories.Select(m => m.Text))
            .Concat(VariantTexts())
            .Concat(AwkwardTexts)
            .ToList();
        using var sha = System.Security.Cryptography.SHA256.Create();
        var keys = texts.SelectMany(t => BitConverter.GetBytes(FactTokens.Key(t))).ToArray();
        var digest = Convert.ToBase64String(sha.ComputeHash(keys));
        Assert.True(digest == KeysDigest, $"The keys' digest is {digest}.");
    }

    private const string KeysDigest = "w5XkNUQTfriEr6sYZXFgUI4l89Ddje+f05HKYRT8oQ8=";

    private static readonly string[] AwkwardTexts =
    {
        "", " ", "\t\n", "a", "-5", "+5 -x", "'s", "x's", "V2's", "media-worker\u2019s queue", "İstanbul ISTANBUL istanbul",
        "Straße STRASSE", "\U0001D400\U0001D401 math 42", "\U00010400 Deseret-𐐀 x1", "ǅemal ǆ-2", "ﬁle ﬂow-3", "Ωmega Ω-7 ω",
        "tab\tseparated\u00A0nbsp\u2003em 12", "((300)), [v2.1]; {pg-prod-2}!", "paymentsApi ABC aBc", "ÀÉÎõü-9 café", "日本語 テスト 3",
        "a the and of", "Tell me what you know about it", "x y z 1 2 3", "--flag=value --", "..", "\u0130-1 \u0131-1",
    };

    private const long KeyOfRateLimit = -8394739129122910893;

    private static string ContentWordSet(string text) =>
        string.Join(" ", WordTokenizer.Words(text).Where(WordTokenizer.IsContentWord).Distinct(StringComparer.Ordinal).OrderBy(w => w, StringComparer.Ordinal));

    private static IEnumerable<string> VariantTexts()
    {
        var bases = new[]
        {
            "The rate limit is 300 requests per minute.",
            "Lena said the deploy of v2.1 to pg-prod-2 failed at 10:30.",
            "Did you see the photos Priya posted?",
            "Dark mode is enabled for Jonas since 2024-05-01.",
            "INC-4411 moved from -5 to +5 degrees (300) in the EU region.",
            "The \u212Aelvin scale starts at 0 for Ingrid.",
            "\u0130stanbul office opens at 9, says \u00C5sa.",
            "Payment of \u20AC1,200 to ACME was sent on Friday.",
            "no capitals and no digits here at all",
            "\U00010400 deseret name with 12 items",
            "media-worker's queue alert fires when more than 4,200 jobs are waiting.",
        };
        foreach (var text in bases)
        {
            yield return text;
            yield return text.ToLowerInvariant();
            yield return text.ToUpperInvariant();
            yield return text.Replace(".", "!").Replace(",", "");
            yield return "(" + text + ")";
            yield return text.Replace("300", "600").Replace("2.1", "2.2").Replace("Priya", "Marcus");
            yield return text + " Also noted by Marcus.";
            yield return string.Join(" ", text.Split(' ').Reverse());
            yield return text.Replace(" the ", " a ").Replace(" is ", " was ");
            yield return text.Replace("media-worker's", "media-worker\u2019s").Replace("media-worker's", "media-worker");
        }
    }
}
