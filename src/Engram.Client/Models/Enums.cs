namespace Engram.Client
{
    /// <summary>Dedup policy of a store (wire field <c>dedup</c>: off, loose 0.95, strict 0.99).</summary>
    public enum DedupPolicy
    {
        Off,
        Loose,
        Strict,
    }

    /// <summary>Answer format of a query (wire option <c>return_format</c>).</summary>
    public enum ReturnFormat
    {
        Prose,
        Json,
    }

    public enum QueryStreamEventType
    {
        /// <summary>A piece of the answer text.</summary>
        Delta,

        /// <summary>The final frame: usage, explanation, full answer.</summary>
        Done,
    }
}
