/*
 * dm_model.c - how the services host loads stream drivers: dm_host.c's
 * functions, given to the host as a table at process attach, so that the
 * host calls devmgr without depending on it (devmgr sits above the host).
 */
#include "devmgr/dm_host.h"

static const struct svc_driver_model model = {
    .op_activate = dm_op_activate,
    .op_deactivate = dm_op_deactivate,
    .op_register = dm_op_register,
    .op_list = dm_op_list,
    .resolve = dm_resolve,
    .call_init = dm_call_init,
    .active_create = dm_active_create,
    .active_delete = dm_active_delete,
    .advertise = dm_advertise,
    .driver_free = dm_driver_free,
};

void dm_process_attach(void)
{
    svc_host_set_driver_model(&model);
}
