namespace Engram.PowerShell.Errors
{
    /// <summary>
    /// Every ErrorId the module's error records carry (the first part of <c>FullyQualifiedErrorId</c>): the one
    /// list, which README's Troubleshooting table must match (a test compares them). Cmdlets use these
    /// constants, never literals.
    /// </summary>
    internal static class EngramErrorIds
    {
        /// <summary>Prefix of the id of a refusal the server sent without a more specific code: <c>EngramHttp404</c>, <c>EngramHttp409</c>, …</summary>
        public const string HttpStatusPrefix = "EngramHttp";

        public const string NotConnected = "EngramNotConnected";
        public const string ApiKeyMissing = "EngramApiKeyMissing";
        public const string ConnectionClosed = "EngramConnectionClosed";
        public const string TransportError = "EngramTransportError";
        public const string Timeout = "EngramTimeout";
        public const string InvalidArgument = "EngramInvalidArgument";
        public const string UnexpectedError = "EngramUnexpectedError";
        public const string BucketNotFound = "EngramBucketNotFound";
        public const string MemoryNotFound = "EngramMemoryNotFound";
        public const string DatabaseUnavailable = "EngramDatabaseUnavailable";
        public const string EmbeddingsNotInstalled = "EngramEmbeddingsNotInstalled";
        public const string EmptyContent = "EngramEmptyContent";
        public const string ContentPropertyNotFound = "EngramContentPropertyNotFound";
        public const string InvalidTemplate = "EngramInvalidTemplate";
        public const string BucketAndDefaultBucket = "EngramBucketAndDefaultBucket";
        public const string ContentTooLarge = "EngramContentTooLarge";
        public const string InstallNeedsLocal = "EngramInstallNeedsLocal";
        public const string ExportFileExists = "EngramExportFileExists";
        public const string ExportFileError = "EngramExportFileError";
        public const string ImportFileNotFound = "EngramImportFileNotFound";
        public const string ImportInvalidLine = "EngramImportInvalidLine";
        public const string LocalServerNotFound = "EngramLocalServerNotFound";
        public const string ServerKeyConflict = "EngramServerKeyConflict";
    }
}
