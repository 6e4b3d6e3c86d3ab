import { defineProcedures, openidOf } from '../../procedure'
import { register, requireUser, toProfile, updateProfile } from './user-service'

export const userProcedures = defineProcedures({
  'user/register': async ({ rt, caller, input, now }) => {
    const { user, created } = await register(rt, openidOf(caller), input, now)
    return { user: await toProfile(user, rt), created }
  },
  'user/getUserInfo': async ({ rt, caller }) => toProfile(await requireUser(rt, openidOf(caller)), rt),
  'user/updateUserInfo': async ({ rt, caller, input, now }) => toProfile(await updateProfile(rt, openidOf(caller), input, now), rt),
})
