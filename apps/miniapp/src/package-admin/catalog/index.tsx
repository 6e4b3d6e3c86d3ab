/** 目录: scenes (thumbnail upload, order, on/off), prompt templates (rendered preview, new version), credit packages (on/off, new). */
import { useState } from 'react'
import { View } from '@tarojs/components'
import { Tabs } from '../../components/tabs'
import { Scenes } from './scenes'
import { Templates } from './templates'
import { Packages } from './packages'
import '../shared/admin.css'

type Tab = 'scenes' | 'templates' | 'packages'
const TABS: ReadonlyArray<{ key: Tab; label: string }> = [
  { key: 'scenes', label: '场景' },
  { key: 'templates', label: '提示词模板' },
  { key: 'packages', label: '积分套餐' },
]

export default function Catalog() {
  const [tab, setTab] = useState<Tab>('scenes')
  return (
    <View className='pg adm'>
      <Tabs items={TABS} value={tab} onChange={setTab} />
      {tab === 'scenes' ? <Scenes /> : tab === 'templates' ? <Templates /> : <Packages />}
    </View>
  )
}
