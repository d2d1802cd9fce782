using Backupd.Master.Options;
using Microsoft.AspNetCore.Builder;

namespace Backupd.Master.Hosting;

/// <summary>
/// A part of the master's web host that lives in a project of its own and calls into the master's
/// application layer (the dashboard): the executable hands it to <see cref="MasterHost"/>, since
/// the master cannot reference a project that references it.
/// </summary>
public interface IMasterWebPart
{
    /// <summary>Adds the part's services before the host is built.</summary>
    void AddServices(WebApplicationBuilder builder, MasterOptions options);

    /// <summary>Adds the part's middleware and endpoints, after authentication and authorization.</summary>
    void Map(WebApplication app);
}
