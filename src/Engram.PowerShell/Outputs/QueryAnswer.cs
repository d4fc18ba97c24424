using System.Collections.Generic;
using Engram.Client;
using Engram.PowerShell.Conversion;

namespace Engram.PowerShell
{
    /// <summary>
    /// The answer of Invoke-EngramQuery, streamed or not: the answer text, the memories it cites and the
    /// rest of the explanation. Every value is typed or PowerShell objects (JSON from the service is
    /// converted the way ConvertFrom-Json does), so it survives ConvertTo-Json, Export-Csv and Start-Job.
    /// </summary>
    public sealed class QueryAnswer
    {
        internal QueryAnswer(string question, IReadOnlyList<string> buckets, QueryResult result)
        {
            Question = question;
            Buckets = WireValues.ToList(buckets);
            Answer = result.Answer;
            FinalAnswer = result.GetFinalAnswer();
            AnswerJson = result.AnswerJson.HasValue ? PSJsonConverter.ToPSValue(result.AnswerJson.Value) : null;
            MemoriesFound = result.MemoriesFound;
            var explanation = result.Explanation;
            Memories = WireValues.ToList(explanation?.RetrievedMemories, m => new RecalledMemory(m));
            GraphFacts = WireValues.ToList(explanation?.GraphFacts, f => f);
            EntityMatches = WireValues.ToList(explanation?.EntityMatches, e => e);
            Profile = WireValues.ToTextOrObject(explanation?.Profile);
            Profiles = WireValues.ToObject(explanation?.Profiles);
            ContextTokens = explanation?.ContextTokens;
            Usage = result.Usage;
            SynthesisUsage = result.SynthesisUsage.HasValue ? PSJsonConverter.ToPSValue(result.SynthesisUsage.Value) : null;
            Success = result.Success;
        }

        public string Question { get; }

        /// <summary>The buckets searched.</summary>
        public IReadOnlyList<string> Buckets { get; }

        /// <summary>The answer exactly as the service returned it (empty with -SkipSynthesis).</summary>
        public string Answer { get; }

        /// <summary>The text after the last <c>FINAL ANSWER:</c> marker, or the whole answer.</summary>
        public string FinalAnswer { get; }

        /// <summary>With -ReturnFormat Json: the answer as PowerShell objects (as ConvertFrom-Json makes them).</summary>
        public object? AnswerJson { get; }

        public int MemoriesFound { get; }

        /// <summary>The retrieved memories the answer is based on, best first.</summary>
        public IReadOnlyList<RecalledMemory> Memories { get; }

        public IReadOnlyList<GraphFact> GraphFacts { get; }

        public IReadOnlyList<EntityMatch> EntityMatches { get; }

        /// <summary>The searched bucket's profile (one bucket): text, or objects when the profile is JSON text.</summary>
        public object? Profile { get; }

        /// <summary>Several buckets: one property per bucket name, holding its profile (text or objects).</summary>
        public object? Profiles { get; }

        public int? ContextTokens { get; }

        public QueryUsage? Usage { get; }

        /// <summary>The provider's own token counts for the synthesis, as PowerShell objects; empty when none.</summary>
        public object? SynthesisUsage { get; }

        /// <summary>The service's success flag; empty from servers that do not send it.</summary>
        public bool? Success { get; }

        public override string ToString() => Answer;
    }
}
