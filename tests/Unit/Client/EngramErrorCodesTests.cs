using Engram.Client;
using Xunit;

namespace Engram.Tests.Unit.Client;

/// <summary>The public error codes are wire contract (wire spec §4.12, §17 Q28): scripts and other clients match on these strings.</summary>
public sealed class EngramErrorCodesTests
{
    [Theory]
    [InlineData(EngramErrorCodes.InvalidRequest, "INVALID_REQUEST")]
    [InlineData(EngramErrorCodes.Unauthorized, "UNAUTHORIZED")]
    [InlineData(EngramErrorCodes.NotFound, "NOT_FOUND")]
    [InlineData(EngramErrorCodes.BucketNotFound, "BUCKET_NOT_FOUND")]
    [InlineData(EngramErrorCodes.MemoryNotFound, "MEMORY_NOT_FOUND")]
    [InlineData(EngramErrorCodes.BucketExists, "BUCKET_EXISTS")]
    [InlineData(EngramErrorCodes.MethodNotAllowed, "METHOD_NOT_ALLOWED")]
    [InlineData(EngramErrorCodes.ContentTooLarge, "CONTENT_TOO_LARGE")]
    [InlineData(EngramErrorCodes.ByokNotConfigured, "BYOK_NOT_CONFIGURED")]
    [InlineData(EngramErrorCodes.ProfilerNotInstalled, "BUCKET_PROFILER_NOT_INSTALLED")]
    [InlineData(EngramErrorCodes.RateLimited, "RATE_LIMITED")]
    [InlineData(EngramErrorCodes.Internal, "INTERNAL")]
    public void Each_code_is_the_wire_string(string code, string onTheWire) => Assert.Equal(onTheWire, code);
}
