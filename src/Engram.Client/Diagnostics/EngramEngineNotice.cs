namespace Engram.Client.Diagnostics
{
    /// <summary>
    /// Something the embedded engine wants the caller to know about one operation without failing it, e.g. a
    /// lexical (FTS5) search that failed so the query was answered from embeddings alone. Seen by
    /// <see cref="EngramTrace.ListenForNotices"/> listeners (PowerShell -Verbose). Carries no memory content.
    /// </summary>
    public sealed class EngramEngineNotice
    {
        public EngramEngineNotice(string operation, string message)
        {
            Operation = operation;
            Message = message;
        }

        /// <summary>What the engine was doing, e.g. <c>query.lexical</c>.</summary>
        public string Operation { get; }

        /// <summary>What happened and what followed from it.</summary>
        public string Message { get; }

        public override string ToString() => Operation + ": " + Message;
    }
}
