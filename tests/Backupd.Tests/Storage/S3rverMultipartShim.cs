using System.Globalization;
using System.Security;
using System.Text;
using Backupd.TestBed;

namespace Backupd.Tests.Storage;

/// <summary>
/// AbortMultipartUpload, ListMultipartUploads and ListParts, which s3rver 3.7.1 does not
/// implement (405 and 501), answered from the upload directories it keeps in its data directory:
/// an abort removes the directory with the parts, a listing reads what is left (each part is a
/// file named by its number, with its MD5 beside it once it is whole).
/// </summary>
internal sealed class S3rverMultipartShim(S3rverServer server)
{
    public (int Status, string Body) Abort(ProxiedRequest request)
    {
        var (bucket, key) = request.BucketAndKey;
        var directory = Path.Combine(UploadsDirectory(bucket), request.Query["uploadId"]);
        if (KeyOf(directory) != key)
        {
            return (404, S3FaultProxy.ErrorXml("NoSuchUpload", "The specified upload does not exist."));
        }

        DeleteUpload(directory);
        return (204, string.Empty);
    }

    private static string? KeyOf(string uploadDirectory)
    {
        var keyFile = Path.Combine(uploadDirectory, "key");
        return File.Exists(keyFile) ? File.ReadAllText(keyFile) : null;
    }

    // s3rver may still be storing a part whose client already gave up (the upload is aborted right
    // after a part failed, while another was on the wire), so the directory can gain a file while
    // it is being removed. S3 itself copes with that; so must the shim.
    private static void DeleteUpload(string directory)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
                return;
            }
            catch (DirectoryNotFoundException)
            {
                return;
            }
            catch (IOException) when (attempt < 50)
            {
                Thread.Sleep(20);
            }
        }
    }

    public (int Status, string Body) List(ProxiedRequest request)
    {
        var (bucket, _) = request.BucketAndKey;
        var prefix = request.Query.GetValueOrDefault("prefix", string.Empty);
        var xml = new StringBuilder();
        xml.Append(CultureInfo.InvariantCulture, $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListMultipartUploadsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Bucket>{SecurityElement.Escape(bucket)}</Bucket><MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated>");
        var uploads = UploadsDirectory(bucket);
        foreach (var directory in Directory.Exists(uploads) ? Directory.GetDirectories(uploads) : [])
        {
            if (KeyOf(directory) is { } key && key.StartsWith(prefix, StringComparison.Ordinal))
            {
                var initiated = Directory.GetCreationTimeUtc(directory).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
                xml.Append(CultureInfo.InvariantCulture, $"<Upload><Key>{SecurityElement.Escape(key)}</Key><UploadId>{Path.GetFileName(directory)}</UploadId><Initiated>{initiated}</Initiated></Upload>");
            }
        }

        xml.Append("</ListMultipartUploadsResult>");
        return (200, xml.ToString());
    }

    public (int Status, string Body) ListParts(ProxiedRequest request)
    {
        var (bucket, key) = request.BucketAndKey;
        var uploadId = request.Query["uploadId"];
        var directory = Path.Combine(UploadsDirectory(bucket), uploadId);
        if (KeyOf(directory) != key)
        {
            return (404, S3FaultProxy.ErrorXml("NoSuchUpload", "The specified upload does not exist."));
        }

        var xml = new StringBuilder();
        xml.Append(CultureInfo.InvariantCulture, $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListPartsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Bucket>{SecurityElement.Escape(bucket)}</Bucket><Key>{SecurityElement.Escape(key)}</Key><UploadId>{SecurityElement.Escape(uploadId)}</UploadId><MaxParts>10000</MaxParts><IsTruncated>false</IsTruncated>");
        var parts = Directory.GetFiles(directory)
            .Select(file => int.TryParse(Path.GetFileName(file), NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? (Number: number, File: file) : (Number: 0, File: file))
            .Where(part => part.Number > 0 && File.Exists(part.File + ".md5"))
            .OrderBy(part => part.Number);
        foreach (var (number, file) in parts)
        {
            var md5 = File.ReadAllText(file + ".md5").Trim();
            var modified = File.GetLastWriteTimeUtc(file).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            xml.Append(CultureInfo.InvariantCulture, $"<Part><PartNumber>{number}</PartNumber><LastModified>{modified}</LastModified><ETag>&quot;{md5}&quot;</ETag><Size>{new FileInfo(file).Length}</Size></Part>");
        }

        xml.Append("</ListPartsResult>");
        return (200, xml.ToString());
    }

    private string UploadsDirectory(string bucket) => Path.Combine(server.DataPath, bucket, "._S3rver_uploads");
}
