/** 目录: scenes (thumbnail upload, order, on/off), the 模特库 (order, on/off), prompt templates (rendered preview, new version), credit packages (on/off, new). */
import { useState } from 'react'
import { View } from '@tarojs/components'
import { Tabs } from '../../components/tabs'
import { Scenes } from './scenes'
import { Templates } from './templates'
import { Packages } from './packages'
import { Models } from './models'
import '../shared/admin.css'

type Tab = 'scenes' | 'models' | 'templates' | 'packages'
const TABS: ReadonlyArray<{ key: Tab; label: string }> = [
  { key: 'scenes', label: '场景' },
  { key: 'models', label: '模特库' },
  { key: 'templates', label: '模板' },
  { key: 'packages', label: '套餐' },
]

export default function Catalog() {
  const [tab, setTab] = useState<Tab>('scenes')
  return (
    <View className='pg adm'>
      <Tabs items={TABS} value={tab} onChange={setTab} />
      {tab === 'scenes' ? <Scenes /> : tab === 'models' ? <Models /> : tab === 'templates' ? <Templates /> : <Packages />}
    </View>
  )
}
