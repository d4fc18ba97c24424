using Engram.Local.Validation;

namespace Engram.Server.Wire
{
    /// <summary>Reads <c>POST /v1/buckets</c> <c>{name, description?}</c>; Python sends <c>"description": null</c> (wire spec §5.9).</summary>
    internal static class CreateBucketRequestReader
    {
        public static (string Name, string? Description) Read(byte[] body)
        {
            using (var document = JsonRequestFields.ParseObject(body))
            {
                var root = document.RootElement;
                var name = JsonRequestFields.OptionalString(root, "name");
                if (string.IsNullOrEmpty(name))
                {
                    throw EngineErrors.Invalid("name is required: send {\"name\":\"bucket-name\"}");
                }

                return (name!, JsonRequestFields.OptionalString(root, "description"));
            }
        }
    }
}
