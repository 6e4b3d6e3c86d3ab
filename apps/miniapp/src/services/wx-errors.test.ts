import { describe, expect, it } from 'vitest'
import { classifyWxError } from './wx-errors'

// errMsg/errno as WeChat reports them (developers.weixin.qq.com … user-privacy/PrivacyAuthorize.html, PublicErrno.html).
describe('classifyWxError', () => {
  it('tells the privacy agreement apart from a permission', () => {
    expect(classifyWxError({ errMsg: 'chooseMedia:fail privacy permission is not authorized', errno: 104 })).toBe('privacy-denied')
    expect(classifyWxError({ errMsg: 'saveImageToPhotosAlbum:fail api scope is not declared in the privacy agreement', errno: 112 })).toBe('privacy-undeclared')
    expect(classifyWxError({ errMsg: 'saveImageToPhotosAlbum:fail auth deny' })).toBe('permission-denied')
    expect(classifyWxError({ errMsg: 'saveImageToPhotosAlbum:fail authorize no response' })).toBe('permission-denied')
    expect(classifyWxError({ errMsg: 'chooseMedia:fail cancel' })).toBe('cancel')
    expect(classifyWxError({ errMsg: 'downloadFile:fail timeout' })).toBe('other')
  })
})
