namespace Engram.PowerShell
{
    /// <summary>What Update-EngramIndex did to a database's vectors.</summary>
    public sealed class IndexUpdateResult
    {
        internal IndexUpdateResult(string databasePath, string embedder, string? from, string to, int embedded, int resumedWith)
        {
            DatabasePath = databasePath;
            Embedder = embedder;
            From = from;
            To = to;
            Embedded = embedded;
            ResumedWith = resumedWith;
        }

        public string DatabasePath { get; }

        /// <summary>The embedder chosen, in words ("Local all-MiniLM-L6-v2").</summary>
        public string Embedder { get; }

        /// <summary>The embedder identity the vectors had (null: not recorded, an older database).</summary>
        public string? From { get; }

        /// <summary>The embedder identity the database now records.</summary>
        public string To { get; }

        /// <summary>Memories embedded by this run (0 when the database already used this embedder).</summary>
        public int Embedded { get; }

        /// <summary>New vectors an interrupted earlier run had saved and this run kept.</summary>
        public int ResumedWith { get; }
    }
}
