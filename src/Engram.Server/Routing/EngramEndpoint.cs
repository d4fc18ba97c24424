namespace Engram.Server.Routing
{
    /// <summary>Every operation the server answers (wire spec Appendix A, plus the local extensions).</summary>
    internal enum EngramEndpoint
    {
        StoreMemories,
        ListMemories,
        ClearMemories,
        DeleteMemory,
        Query,
        ListBuckets,
        CreateBucket,
        GetBucket,
        DeleteBucket,
        GetProfile,
        RegenerateProfile,

        /// <summary>Local admin route outside /v1 (wire spec §17 Q29).</summary>
        InstallProfiler,
    }
}
