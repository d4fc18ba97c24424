using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;
using Engram.Eval.Sets;

namespace Engram.Eval.Generation
{
    /// <summary>
    /// Turns the hand-written bench/eval/seed/facts.seed.jsonl into the facts set: ids, timestamps (a seeded
    /// shuffle that keeps every old fact before its correction), and each question's shared-word count and
    /// kind, measured with <see cref="ContentWords"/> rather than labelled by hand.
    /// </summary>
    public static class FactsGenerator
    {
        public const int Seed = 20260105;
        private static readonly DateTime Start = new DateTime(2026, 1, 5, 9, 0, 0, DateTimeKind.Utc);

        public static (List<EvalMemory> Memories, List<EvalQuestion> Questions) Build(string seedPath)
        {
            var entries = EvalSet.ReadJsonLines<SeedEntry>(seedPath);
            var random = new Random(Seed);

            // One slot per memory to store; a correction pair takes two slots of the same entry.
            var slots = new List<int>();
            for (var i = 0; i < entries.Count; i++)
            {
                slots.Add(i);
                if (entries[i].Old != null)
                {
                    slots.Add(i);
                }
            }

            Shuffle(slots, random);

            var memories = new List<EvalMemory>();
            var answerId = new Dictionary<int, string>();
            var oldId = new Dictionary<int, string>();
            var time = Start;
            foreach (var entry in slots)
            {
                // About 1.3 days apart on average, so the set spans most of a year.
                time = time.AddMinutes(600 + random.Next(0, 2400));
                var seed = entries[entry];
                var memory = new EvalMemory { Id = $"f{memories.Count + 1:000}", Timestamp = Format(time) };
                if (seed.Distractor != null)
                {
                    memory.Text = seed.Distractor;
                    memory.Kind = "distractor";
                }
                else if (seed.Old != null && !oldId.ContainsKey(entry))
                {
                    memory.Text = seed.Old;
                    memory.Kind = "old";
                    oldId[entry] = memory.Id;
                }
                else
                {
                    memory.Text = seed.Fact ?? throw new InvalidDataException($"Seed entry {entry + 1} has neither fact nor distractor.");
                    memory.Kind = seed.Old != null ? "correction" : "fact";
                    memory.Corrects = seed.Old != null ? oldId[entry] : null;
                    answerId[entry] = memory.Id;
                }

                memories.Add(memory);
            }

            var questions = new List<EvalQuestion>();
            using var words = new ContentWords();
            for (var i = 0; i < entries.Count; i++)
            {
                foreach (var text in entries[i].Questions ?? new List<string>())
                {
                    var evidence = memories.First(m => m.Id == answerId[i]);
                    var shared = words.Shared(text, evidence.Text);
                    questions.Add(new EvalQuestion
                    {
                        Id = $"fq{questions.Count + 1:000}",
                        Question = text,
                        Evidence = new List<string> { evidence.Id },
                        Kind = shared <= SetChecks.MaxSharedForParaphrase ? "paraphrase" : "lexical",
                        SharedContentWords = shared,
                        AboutCorrection = entries[i].Old != null,
                    });
                }
            }

            return (memories, questions);
        }

        internal static string Format(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

        internal static void Shuffle<T>(IList<T> list, Random random)
        {
            for (var i = list.Count - 1; i > 0; i--)
            {
                var j = random.Next(i + 1);
                (list[i], list[j]) = (list[j], list[i]);
            }
        }

        private sealed class SeedEntry
        {
            [JsonPropertyName("fact")]
            public string? Fact { get; set; }

            [JsonPropertyName("old")]
            public string? Old { get; set; }

            [JsonPropertyName("distractor")]
            public string? Distractor { get; set; }

            [JsonPropertyName("q")]
            public List<string>? Questions { get; set; }
        }
    }
}
