using System.Collections.Generic;
using Engram.Client;
using Engram.PowerShell.Conversion;

namespace Engram.PowerShell
{
    /// <summary>
    /// The answer of Invoke-EngramQuery, streamed or not: the answer text, the memories it cites and the
    /// rest of the explanation, all typed. <see cref="Result"/> keeps the client's full result.
    /// </summary>
    public sealed class QueryAnswer
    {
        internal QueryAnswer(string question, IReadOnlyList<string> buckets, QueryResult result)
        {
            Question = question;
            Buckets = buckets;
            Result = result;
            Answer = result.Answer;
            FinalAnswer = result.GetFinalAnswer();
            AnswerJson = result.AnswerJson.HasValue ? PSJsonConverter.ToPSValue(result.AnswerJson.Value) : null;
            MemoriesFound = result.MemoriesFound;
            var explanation = result.Explanation;
            Memories = explanation?.RetrievedMemories ?? new List<RetrievedMemory>();
            GraphFacts = explanation?.GraphFacts ?? new List<GraphFact>();
            EntityMatches = explanation?.EntityMatches ?? new List<EntityMatch>();
            Profile = explanation?.Profile;
            Profiles = explanation?.Profiles;
            ContextTokens = explanation?.ContextTokens;
            Usage = result.Usage;
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
        public IReadOnlyList<RetrievedMemory> Memories { get; }

        public IReadOnlyList<GraphFact> GraphFacts { get; }

        public IReadOnlyList<EntityMatch> EntityMatches { get; }

        public string? Profile { get; }

        public IReadOnlyDictionary<string, string?>? Profiles { get; }

        public int? ContextTokens { get; }

        public QueryUsage? Usage { get; }

        /// <summary>The client's result, for fields this view does not repeat.</summary>
        public QueryResult Result { get; }

        public override string ToString() => Answer;
    }
}
