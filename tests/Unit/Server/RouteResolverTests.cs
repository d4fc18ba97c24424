using Engram.Server.Routing;
using Xunit;

namespace Engram.Tests.Unit.Server;

/// <summary>The route table itself, without a socket (wire spec §3.5, §3.6, §17 Q36–Q39).</summary>
public class RouteResolverTests
{
    [Theory]
    [InlineData("POST", "/v1/buckets/b/memories", "StoreMemories", "b", null)]
    [InlineData("GET", "/v1/buckets/b/memories?limit=5&offset=0", "ListMemories", "b", null)]
    [InlineData("DELETE", "/v1/buckets/b/memories", "ClearMemories", "b", null)]
    [InlineData("DELETE", "/v1/buckets/b/memories/mem%20id%2Fraw%25", "DeleteMemory", "b", "mem id/raw%")]
    [InlineData("POST", "/v1/query", "Query", null, null)]
    [InlineData("GET", "/v1/buckets", "ListBuckets", null, null)]
    [InlineData("POST", "/v1/buckets", "CreateBucket", null, null)]
    [InlineData("GET", "/v1/buckets/%E6%95%B0%E6%8D%AE", "GetBucket", "数据", null)]
    [InlineData("DELETE", "/v1/buckets/scratch", "DeleteBucket", "scratch", null)]
    [InlineData("GET", "/v1/buckets/user-123/profile", "GetProfile", "user-123", null)]
    [InlineData("POST", "/v1/buckets/user-123/profile/regenerate", "RegenerateProfile", "user-123", null)]
    [InlineData("POST", "/_local/buckets/a%2Fb/profiler", "InstallProfiler", "a/b", null)]
    [InlineData("GET", "http://127.0.0.1:5000/v1/buckets/b/profile", "GetProfile", "b", null)]
    [InlineData("GET", "/v1/buckets/b/profile/#fragment", "GetProfile", "b", null)]
    public void Every_endpoint_resolves_with_its_decoded_segments(string method, string target, string endpoint, string? bucket, string? memoryId)
    {
        var match = RouteResolver.Resolve(method, target);

        Assert.Equal(RouteOutcome.Found, match.Outcome);
        Assert.Equal(endpoint, match.Endpoint.ToString());
        Assert.Equal(bucket, match.Bucket);
        Assert.Equal(memoryId, match.MemoryId);
    }

    [Fact]
    public void Query_parameters_are_form_decoded_unlike_path_segments()
    {
        var match = RouteResolver.Resolve("GET", "/v1/buckets/a+b/memories?limit=50&offset=10&note=x+y%2Bz&limit=99");

        Assert.Equal("a+b", match.Bucket);
        Assert.Equal("50", match.Query["limit"]);
        Assert.Equal("10", match.Query["offset"]);
        Assert.Equal("x y+z", match.Query["note"]);
    }

    [Theory]
    [InlineData("/v1/buckets/%zz/memories", "%zz")]
    [InlineData("/v1/buckets/100%/memories", "100%")]
    public void A_malformed_escape_is_kept_literally(string target, string bucket)
    {
        Assert.Equal(bucket, RouteResolver.Resolve("GET", target).Bucket);
    }
}
