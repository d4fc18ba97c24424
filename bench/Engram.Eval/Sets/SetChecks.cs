using System;
using System.Collections.Generic;
using System.Linq;

namespace Engram.Eval.Sets
{
    /// <summary>
    /// The label rules every evaluation set must keep, and its headline counts. Used by `Engram.Eval check`
    /// and by the unit tests, so a broken set fails CI.
    /// </summary>
    public static class SetChecks
    {
        /// <summary>A paraphrase question shares at most this many content words with its evidence.</summary>
        public const int MaxSharedForParaphrase = 1;

        public const int MinFactQuestions = 150;
        public const int MinConversationTurns = 1000;
        public const int MinConversationQuestions = 300;
        public const int MinSpeakers = 3;
        public const int MinScaleDistractors = 3000;

        /// <summary>Problems with one set's labels (empty when it is consistent), plus its counts.</summary>
        public static SetReport Check(EvalSet set, ContentWords words)
        {
            var problems = new List<string>();
            var byId = new Dictionary<string, EvalMemory>(StringComparer.Ordinal);
            string? previousTs = null;
            foreach (var m in set.Memories)
            {
                if (string.IsNullOrWhiteSpace(m.Id) || string.IsNullOrWhiteSpace(m.Text))
                {
                    problems.Add($"memory '{m.Id}' has no id or no text");
                }

                if (!byId.TryAdd(m.Id, m))
                {
                    problems.Add($"memory id '{m.Id}' is not unique");
                }

                if (!DateTime.TryParse(m.Timestamp, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out _))
                {
                    problems.Add($"memory '{m.Id}' has no valid timestamp");
                }

                if (previousTs != null && string.CompareOrdinal(m.Timestamp, previousTs) < 0)
                {
                    problems.Add($"memory '{m.Id}' is stored out of timestamp order");
                }

                previousTs = m.Timestamp;
            }

            foreach (var m in set.Memories.Where(m => m.Kind == "correction"))
            {
                if (m.Corrects == null || !byId.TryGetValue(m.Corrects, out var old) || old.Kind != "old")
                {
                    problems.Add($"correction '{m.Id}' does not point at a stored old fact");
                }
                else if (string.CompareOrdinal(old.Timestamp, m.Timestamp) >= 0)
                {
                    problems.Add($"correction '{m.Id}' is not newer than the fact it corrects");
                }
            }

            var questionIds = new HashSet<string>(StringComparer.Ordinal);
            var paraphrases = 0;
            foreach (var q in set.Questions)
            {
                if (!questionIds.Add(q.Id))
                {
                    problems.Add($"question id '{q.Id}' is not unique");
                }

                if (string.IsNullOrWhiteSpace(q.Question) || q.Evidence.Count == 0)
                {
                    problems.Add($"question '{q.Id}' has no text or no evidence");
                    continue;
                }

                var evidence = new List<EvalMemory>();
                foreach (var id in q.Evidence)
                {
                    if (byId.TryGetValue(id, out var m))
                    {
                        evidence.Add(m);
                    }
                    else
                    {
                        problems.Add($"question '{q.Id}' names evidence '{id}' that is not in the set");
                    }
                }

                if (evidence.Any(m => m.Kind == "old" || m.Kind == "distractor" || m.Kind == "scale"))
                {
                    problems.Add($"question '{q.Id}' is labelled with a superseded or distractor memory");
                }

                if (q.AboutCorrection && !evidence.Any(m => m.Kind == "correction"))
                {
                    problems.Add($"question '{q.Id}' is about a correction but its evidence is not the correction");
                }

                if (evidence.Count > 0)
                {
                    var shared = evidence.Min(m => words.Shared(q.Question, m.Text));
                    if (shared != q.SharedContentWords)
                    {
                        problems.Add($"question '{q.Id}' records {q.SharedContentWords} shared content words but shares {shared}");
                    }

                    if (shared <= MaxSharedForParaphrase)
                    {
                        paraphrases++;
                    }

                    if (q.Kind == "paraphrase" && shared > MaxSharedForParaphrase)
                    {
                        problems.Add($"question '{q.Id}' is labelled paraphrase but shares {shared} content words");
                    }

                    var speakers = evidence.Select(m => m.Speaker).Where(s => s != null).Distinct().ToList();
                    if (speakers.Count > 0 && !speakers.Any(s => q.Question.IndexOf(s!, StringComparison.Ordinal) >= 0))
                    {
                        problems.Add($"question '{q.Id}' does not name the speaker of its evidence");
                    }
                }
            }

            var report = new SetReport(set.Name, set.Memories.Count, set.Questions.Count, paraphrases,
                set.Memories.Count(m => m.Kind == "correction"),
                set.Memories.Count(m => m.Kind == "distractor" || m.Kind == "scale"),
                set.Memories.Select(m => m.Speaker).Where(s => s != null).Distinct().Count(),
                problems);
            CheckCounts(set.Name, report, problems);
            return report;
        }

        private static void CheckCounts(string name, SetReport r, List<string> problems)
        {
            switch (name)
            {
                case "facts":
                    Require(r.Questions >= MinFactQuestions, $"facts has {r.Questions} questions, needs {MinFactQuestions}", problems);
                    Require(r.Paraphrases * 2 >= r.Questions, $"facts has {r.Paraphrases} paraphrases of {r.Questions} questions, needs half", problems);
                    Require(r.Corrections >= 10, $"facts has {r.Corrections} corrections, needs 10", problems);
                    Require(r.Distractors >= 20, $"facts has {r.Distractors} distractors, needs 20", problems);
                    break;
                case "conversations":
                    Require(r.Memories >= MinConversationTurns, $"conversations has {r.Memories} turns, needs {MinConversationTurns}", problems);
                    Require(r.Questions >= MinConversationQuestions, $"conversations has {r.Questions} questions, needs {MinConversationQuestions}", problems);
                    Require(r.Speakers >= MinSpeakers, $"conversations has {r.Speakers} speakers, needs {MinSpeakers}", problems);
                    break;
                case "facts-scale":
                    Require(r.Distractors >= MinScaleDistractors, $"facts-scale has {r.Distractors} distractors, needs {MinScaleDistractors}", problems);
                    break;
            }
        }

        private static void Require(bool condition, string problem, List<string> problems)
        {
            if (!condition)
            {
                problems.Add(problem);
            }
        }
    }

    public sealed class SetReport
    {
        public SetReport(string name, int memories, int questions, int paraphrases, int corrections, int distractors, int speakers, IReadOnlyList<string> problems)
        {
            Name = name;
            Memories = memories;
            Questions = questions;
            Paraphrases = paraphrases;
            Corrections = corrections;
            Distractors = distractors;
            Speakers = speakers;
            Problems = problems;
        }

        public string Name { get; }
        public int Memories { get; }
        public int Questions { get; }
        public int Paraphrases { get; }
        public int Corrections { get; }
        public int Distractors { get; }
        public int Speakers { get; }
        public IReadOnlyList<string> Problems { get; }

        public override string ToString() =>
            $"{Name}: {Memories} memories, {Questions} questions, {Paraphrases} paraphrases (<= {SetChecks.MaxSharedForParaphrase} shared content word), " +
            $"{Corrections} corrections, {Distractors} distractors" + (Speakers > 0 ? $", {Speakers} speakers" : "") +
            (Problems.Count == 0 ? "; labels consistent" : $"; {Problems.Count} problem(s)");
    }
}
